export { buildApp, createContext } from './app.js';
export { AuthService } from './auth/service.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export type { AppContext } from './context.js';
export { type DatabaseHandle, openDatabase } from './db/index.js';
export { LocalJobRunner } from './jobs/local.js';
export type { JobContext, JobHandler, JobRunner } from './jobs/runner.js';
export { type RunningServer, startServer } from './main.js';
export { VERSION } from './version.js';
