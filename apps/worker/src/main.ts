import { runWorkerProcess } from './worker-process';

void runWorkerProcess();
