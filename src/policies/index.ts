export { FreeThreaded } from './free-threaded.js';
export * from './policy.js';
export { Py2Gil } from './py2.js';
export { Py3Gil } from './py3.js';
export { createPolicy } from './create-policy.js';
