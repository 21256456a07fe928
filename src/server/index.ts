// The server stage's API: the dashboard and JSON API over a store (`kdk serve`).
export { createDashboard, listen, type ServeOptions } from './server.js';
export { esc } from './html.js';
