import { toHistory } from '../../history-redirect.js';

export const load = toHistory;
