/** Hash routes: `#/` picker, `#/<view>?path=<project folder>` for a project's views. */
export type View = 'picker' | 'home' | 'queue' | 'annotate' | 'rounds' | 'export';

export interface Route {
  view: View;
  project: string | null;
  params: URLSearchParams;
}

const VIEWS: readonly View[] = ['home', 'queue', 'annotate', 'rounds', 'export'];

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const project = params.get('path');
  const view = (VIEWS as readonly string[]).includes(path)
    ? (path as View)
    : path === 'project'
      ? 'home'
      : 'picker';
  return { view: project ? view : 'picker', project, params };
}

export function href(view: View, project: string | null, extra: Record<string, string> = {}): string {
  if (view === 'picker' || !project) return '#/';
  const params = new URLSearchParams({ path: project, ...extra });
  return `#/${view}?${params.toString()}`;
}
