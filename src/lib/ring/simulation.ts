// The Simulation moved to sim/ (the facade, its scheduler, checkpoints and the rest): this file
// keeps the old import path working. Export list only.
export * from './sim';
