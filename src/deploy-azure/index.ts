import { isPostStep } from '../lib/step.js';
import { run } from './main.js';

// One bundle for the main and the post step (src/lib/step.ts): the post's stage is loaded only in the post step.
if (isPostStep()) await import('./post.js');
else await run();
