"""Scores COCO keypoint results against COCO ground truth with pycocotools' COCOeval (OKS-based AP).

Usage: python3 coco_keypoint_ap.py GROUND_TRUTH.json RESULTS.json
Prints one JSON object: {"AP", "AP50", "AP75", "AR", "images", "annotations", "results"}.
Ground-truth keypoints with v = 0 do not count (COCO's rule), so joints a dataset lacks cost nothing. Files in
another human layout (our lsp14 / mpii16 exports) are mapped onto COCO's 17 keypoints by joint name first, so the
standard per-keypoint OKS sigmas apply; joints COCO does not have (head top, neck, pelvis, thorax) are dropped.
"""

import contextlib
import io
import json
import sys

from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

COCO17 = [
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
    "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
    "right_ankle",
]


def coco_name(name: str) -> str:
    """l_shoulder → left_shoulder; COCO names stay as they are."""
    if name.startswith("l_"):
        return "left_" + name[2:]
    if name.startswith("r_"):
        return "right_" + name[2:]
    return name


def to_coco17(triplets: list, names: list) -> list:
    out = [0.0] * (3 * len(COCO17))
    for j, name in enumerate(names):
        target = coco_name(name)
        if target in COCO17:
            k = COCO17.index(target)
            out[3 * k : 3 * k + 3] = triplets[3 * j : 3 * j + 3]
    return out


def main(gt_path: str, results_path: str) -> None:
    with open(gt_path, encoding="utf-8") as handle:
        gt_data = json.load(handle)
    with open(results_path, encoding="utf-8") as handle:
        results = json.load(handle)
    names = gt_data["categories"][0]["keypoints"]
    if [coco_name(n) for n in names] != COCO17:
        for annotation in gt_data["annotations"]:
            annotation["keypoints"] = to_coco17(annotation["keypoints"], names)
            annotation["num_keypoints"] = sum(1 for v in annotation["keypoints"][2::3] if v > 0)
        for result in results:
            result["keypoints"] = to_coco17(result["keypoints"], names)
        gt_data["categories"][0]["keypoints"] = COCO17
    if not results:
        print(json.dumps({"AP": 0.0, "results": 0}))
        return
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = gt_data
        gt.createIndex()
        detections = gt.loadRes(results)
        evaluator = COCOeval(gt, detections, "keypoints")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    stats = evaluator.stats
    print(
        json.dumps(
            {
                "AP": stats[0],
                "AP50": stats[1],
                "AP75": stats[2],
                "AR": stats[5],
                "images": len(gt.getImgIds()),
                "annotations": len(gt.getAnnIds()),
                "results": len(results),
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: coco_keypoint_ap.py GROUND_TRUTH.json RESULTS.json")
    main(sys.argv[1], sys.argv[2])
