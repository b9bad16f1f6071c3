"""PyTorch CPU reference of the PoseLoop DeepPrior net, for `poseloop bench` only (never a dependency).

Usage: python3 torch_ref.py '<json>' where json = {"config": DeepPriorConfig, "trainBatches", "mcSamples", "mcPasses"}.
Prints {"trainSamplesPerSecond": float, "mcSamplePassesPerSecond": float}. Same layers as model.ts: conv → dropout →
pool → LeakyReLU (×2), conv → dropout → LeakyReLU, dense ReLU ×2, mean + log-var heads; dropout always on.
"""
import json
import os
import sys
import time

import torch
from torch import nn


class DeepPrior(nn.Module):
    def __init__(self, c):
        super().__init__()
        k, f, (d1, d2) = c["kernelSize"], c["convFilters"], c["denseUnits"]
        slots = {"plain": [], "A": [0, 1, 2], "B": [2, 3], "C": [0, 1, 2, 3, 4]}[c["variant"]]
        self.slots, self.rate, self.slope = slots, c["dropoutRate"], c["leakySlope"]
        self.convs = nn.ModuleList([nn.Conv2d(1, f, k), nn.Conv2d(f, f, k), nn.Conv2d(f, f, k)])
        side = c["inputSize"]
        side = ((side - k + 1) // 2 - k + 1) // 2 - k + 1
        self.dense = nn.ModuleList([nn.Linear(side * side * f, d1), nn.Linear(d1, d2)])
        self.mean = nn.Linear(d2, c["outputs"])
        self.logvar = nn.Linear(d2, c["outputs"]) if c["variant"] != "plain" else None

    def drop(self, slot, h):
        # Always on (MC dropout), like the TF.js model.
        return nn.functional.dropout(h, self.rate, training=True) if slot in self.slots else h

    def forward(self, x):
        h = x
        for i, conv in enumerate(self.convs):
            h = self.drop(i, conv(h))
            if i < 2:
                h = nn.functional.max_pool2d(h, 2)
            h = nn.functional.leaky_relu(h, self.slope)
        h = torch.flatten(h, 1)
        h = self.drop(3, torch.relu(self.dense[0](h)))
        h = self.drop(4, torch.relu(self.dense[1](h)))
        return self.mean(h), (self.logvar(h) if self.logvar is not None else None)


def main():
    args = json.loads(sys.argv[1])
    # A fair peer uses every core (Debian's build starts with one thread).
    torch.set_num_threads(os.cpu_count() or 1)
    c = args["config"]
    torch.manual_seed(1)
    net = DeepPrior(c)
    opt = torch.optim.Adam(net.parameters(), lr=c["learningRate"], eps=c["adamEpsilon"])
    b, side = c["batchSize"], c["inputSize"]
    x = torch.rand(b, 1, side, side) - 0.5
    y = torch.rand(b, c["outputs"]) * 0.6 - 0.3

    def step():
        opt.zero_grad()
        mean, s = net(x)
        loss = ((mean - y) ** 2).mean()
        if s is not None:
            loss = loss + (0.5 * torch.exp(-s) * (y - mean).abs() + 0.5 * s).mean()
        loss.backward()
        opt.step()

    step()
    start = time.perf_counter()
    for _ in range(args["trainBatches"]):
        step()
    train_rate = args["trainBatches"] * b / (time.perf_counter() - start)

    n, passes = args["mcSamples"], args["mcPasses"] if c["variant"] != "plain" else 1
    images = torch.rand(n, 1, side, side) - 0.5
    with torch.no_grad():
        net(images[:1])
        start = time.perf_counter()
        for first in range(0, n, 64):
            for _ in range(passes):
                net(images[first:first + 64])
        mc_rate = n * passes / (time.perf_counter() - start)
    print(json.dumps({"trainSamplesPerSecond": train_rate, "mcSamplePassesPerSecond": mc_rate}))


if __name__ == "__main__":
    main()
