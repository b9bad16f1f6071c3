import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AppError } from '@shared/errors';
import { getSkeleton, type SkeletonLayout } from '@shared/skeletons';
import { ProjectStore } from '../store';

export const PROJECT_DB = 'project.sqlite';

/** An open project folder: `project.sqlite` (WAL) + `cache/` (derived, rebuildable) + `models/` (checkpoints). */
export class Project {
  readonly cacheDir: string;
  readonly modelsDir: string;

  constructor(
    readonly dir: string,
    readonly store: ProjectStore,
  ) {
    this.cacheDir = join(dir, 'cache');
    this.modelsDir = join(dir, 'models');
  }

  get name(): string {
    return this.store.getSetting('name') ?? basename(this.dir);
  }

  get skeletonId(): string {
    return this.store.getSetting('skeleton') ?? 'hand21';
  }

  get skeleton(): SkeletonLayout {
    return this.store.getSkeleton(this.skeletonId) ?? getSkeleton(this.skeletonId);
  }

  /** Hand skeletons are depth projects (DeepPrior); human and custom (other tools') skeletons are RGB (heatmap learner). */
  get modality(): 'depth' | 'rgb' {
    return this.skeleton.kind === 'hand' ? 'depth' : 'rgb';
  }
}

/**
 * Opens projects by folder and keeps them open. A registry can be pinned to one project (the team HTTP server):
 * then any other folder is refused, so a remote client cannot reach other paths on the machine.
 */
export class ProjectRegistry {
  private readonly open = new Map<string, Project>();
  private readonly pinned: string | null;

  constructor(options: { pinned?: string; clock?: () => Date } = {}) {
    this.pinned = options.pinned ? resolve(options.pinned) : null;
    this.clock = options.clock ?? (() => new Date());
  }

  private readonly clock: () => Date;

  get pinnedProject(): string | null {
    return this.pinned;
  }

  get(dir: string): Project {
    const path = resolve(dir);
    if (this.pinned && path !== this.pinned) {
      throw new AppError('unauthorized', `this server only serves the project at ${this.pinned}`, 'project');
    }
    const cached = this.open.get(path);
    if (cached) return cached;
    if (!existsSync(join(path, PROJECT_DB))) {
      throw new AppError(
        'not_found',
        `${path} is not a PoseLoop project (no ${PROJECT_DB}); create it with "poseloop init"`,
        'project',
      );
    }
    // A 0-byte database (a failed copy, a full disk) would silently become a new empty project.
    if (statSync(join(path, PROJECT_DB)).size === 0)
      throw new AppError(
        'invalid_input',
        `${join(path, PROJECT_DB)} is empty (0 bytes): the project is damaged; restore it from a backup`,
        'project',
      );
    const project = new Project(path, ProjectStore.open(join(path, PROJECT_DB), this.clock));
    this.open.set(path, project);
    return project;
  }

  create(dir: string, options: { name?: string; skeleton: string }): Project {
    const path = resolve(dir);
    if (this.pinned) throw new AppError('unauthorized', 'this server cannot create projects', 'dir');
    if (existsSync(join(path, PROJECT_DB))) {
      throw new AppError('conflict', `${path} already holds a project`, 'dir');
    }
    if (existsSync(path) && readdirSync(path).length > 0) {
      throw new AppError('conflict', `${path} exists and is not empty; choose a new or empty folder`, 'dir');
    }
    let layout;
    try {
      layout = getSkeleton(options.skeleton);
    } catch (error) {
      throw new AppError('invalid_input', (error as Error).message, 'skeleton');
    }
    mkdirSync(join(path, 'cache'), { recursive: true });
    mkdirSync(join(path, 'models'), { recursive: true });
    const store = ProjectStore.open(join(path, PROJECT_DB), this.clock);
    store.transaction(() => {
      store.setSetting('name', options.name ?? basename(path));
      store.setSetting('createdAt', store.now());
      store.setSetting('skeleton', layout.id);
      store.putSkeleton(layout);
    });
    const project = new Project(path, store);
    this.open.set(path, project);
    return project;
  }

  closeAll(): void {
    for (const project of this.open.values()) project.store.close();
    this.open.clear();
  }
}
