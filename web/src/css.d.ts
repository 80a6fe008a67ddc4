// esbuild bundles the CSS these imports name into the app's stylesheet.
declare module '*.css';
