/** Shared test helpers: Temporal servers and workers, an SMTP receiver, an HTTP endpoint receiver. */
export * from './temporal.js';
export * from './mail.js';
export * from './http.js';
export * from './deadline.js';
export * from './returns-window.js';
