import { cancelRollback } from './cancel.js';

await cancelRollback();
