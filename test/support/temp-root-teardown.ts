// The unit project's global teardown (the integration project's calls it too, after the stack).
import { removeTempRoot } from './temp-root';

export default removeTempRoot;
