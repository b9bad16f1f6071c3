import { parseRoute, type Route } from './route';

export { href, parseRoute, type Route, type View } from './route';

/** The current hash route as reactive state. */
class Router {
  current = $state<Route>(parseRoute(location.hash));
  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parseRoute(location.hash);
    });
  }
}

export const router = new Router();
