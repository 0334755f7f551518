/** tsx's ESM loader as an absolute URL, so child processes can run TypeScript from any working directory. */
export const tsxLoader = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
