import { useEffect, useState } from 'react';

/** A parsed `#/path?query` location. */
export interface HashRoute {
  /** Path segments, decoded: `#/c/contoso/users` → `['c', 'contoso', 'users']`. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly path: string;
}

export function parseHash(hash: string): HashRoute {
  const text = hash.replace(/^#/, '');
  const [rawPath = '', rawQuery = ''] = text.split('?', 2);
  const segments = rawPath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => decodeURIComponent(segment));
  return { segments, query: new URLSearchParams(rawQuery), path: `/${segments.join('/')}` };
}

/** The current hash route, re-rendered on every change. Hash routing: Teams loads one URL per tab. */
export function useHashRoute(): HashRoute {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => {
      setRoute(parseHash(window.location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}

/** Builds `#/a/b` from segments, encoding each. */
export function hrefOf(...segments: readonly string[]): string {
  return `#/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

export function navigate(...segments: readonly string[]): void {
  window.location.hash = hrefOf(...segments);
}
