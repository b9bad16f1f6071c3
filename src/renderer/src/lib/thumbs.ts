import type { ApiClient } from '../api/client';
import { decodeImage, paintImage, type ColourMap, type SourceImage } from './depth';

/** Decoded source images, most recently used last (a small LRU: a 640×480 depth frame is 600 kB). */
const images = new Map<string, Promise<SourceImage>>();
const IMAGE_CACHE = 24;

/** Thumbnails as object URLs, kept for the session (a few kB each). */
const thumbs = new Map<string, Promise<string>>();

const MAX_PARALLEL = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The decoded source image of a sample, fetched once and shared by the queue, 2D and 3D views. */
export function loadImage(client: ApiClient, project: string, sampleId: number): Promise<SourceImage> {
  const key = `${project}\n${sampleId}`;
  let entry = images.get(key);
  if (entry) {
    images.delete(key);
  } else {
    entry = slot(() => client.call('sample.image', { project, sampleId })).then(({ meta, bytes }) =>
      decodeImage(meta, bytes),
    );
    entry.catch(() => images.delete(key));
  }
  images.set(key, entry);
  while (images.size > IMAGE_CACHE) images.delete(images.keys().next().value!);
  return entry;
}

/**
 * A small thumbnail (depth: in `colourMap`, the annotate view's, over the robust window; RGB as is) as an object
 * URL, cached per sample and colour map.
 */
export function thumbnail(
  client: ApiClient,
  project: string,
  sampleId: number,
  colourMap: ColourMap,
  width = 96,
): Promise<string> {
  const key = `${project}\n${sampleId}\n${width}\n${colourMap}`;
  let entry = thumbs.get(key);
  if (!entry) {
    entry = loadImage(client, project, sampleId).then(async (image) => {
      const full = document.createElement('canvas');
      full.width = image.width;
      full.height = image.height;
      const ctx = full.getContext('2d', { willReadFrequently: true })!;
      const data = ctx.createImageData(image.width, image.height);
      const range = image.kind === 'depth' ? image.range : { low: 0, high: 1 };
      paintImage(image, colourMap, range.low, range.high, data);
      ctx.putImageData(data, 0, 0);
      // Crop to the readings (a segmented hand fills the thumbnail), keeping the thumbnail's 4:3 aspect.
      const box = image.kind === 'depth' ? validBox(image.depth, image.width, image.height) : null;
      const aspect = image.width / image.height;
      let { x0, y0, x1, y1 } = box ?? { x0: 0, y0: 0, x1: image.width, y1: image.height };
      let w = x1 - x0;
      let h = y1 - y0;
      if (w / h < aspect) {
        const grow = h * aspect - w;
        x0 -= grow / 2;
        w = h * aspect;
      } else {
        const grow = w / aspect - h;
        y0 -= grow / 2;
        h = w / aspect;
      }
      x1 = x0 + w;
      y1 = y0 + h;
      const small = document.createElement('canvas');
      small.width = width;
      small.height = Math.max(1, Math.round(width / aspect));
      const sctx = small.getContext('2d', { willReadFrequently: true })!;
      sctx.fillStyle = 'rgb(24, 28, 38)';
      sctx.fillRect(0, 0, small.width, small.height);
      sctx.imageSmoothingQuality = 'medium';
      sctx.drawImage(full, x0, y0, x1 - x0, y1 - y0, 0, 0, small.width, small.height);
      const blob = await new Promise<Blob | null>((resolve) => small.toBlob(resolve));
      return blob ? URL.createObjectURL(blob) : small.toDataURL();
    });
    entry.catch(() => thumbs.delete(key));
    thumbs.set(key, entry);
  }
  return entry;
}

/** The bounding box of the valid readings with a 10 % margin, or null when they cover most of the frame. */
function validBox(depth: Uint16Array, width: number, height: number) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (depth[y * width + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0 || (x1 - x0) * (y1 - y0) > 0.6 * width * height) return null;
  const m = 0.1 * Math.max(x1 - x0, y1 - y0) + 4;
  return { x0: x0 - m, y0: y0 - m, x1: x1 + m, y1: y1 + m };
}

/** Attachment: fills an <img> with the sample's thumbnail once it scrolls into view. */
export function lazyThumbnail(client: ApiClient, project: string, sampleId: number, colourMap: ColourMap) {
  return (img: HTMLImageElement) => {
    let cancelled = false;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        thumbnail(client, project, sampleId, colourMap).then(
          (url) => {
            if (!cancelled) img.src = url;
          },
          () => {
            if (!cancelled) img.alt = 'image unavailable';
          },
        );
      },
      { rootMargin: '200px' },
    );
    observer.observe(img);
    return () => {
      cancelled = true;
      observer.disconnect();
    };
  };
}
