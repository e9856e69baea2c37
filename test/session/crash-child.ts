// Run by finalizers.test.ts in a child process: records a session, then crashes the way a UI
// can (an error thrown from a callback), or quits normally, as argv[3] says.
import { loadPreset } from '../../src/config/load.js';
import { SessionDriver } from '../../src/session/driver.js';
import { installFinalizers, SessionRecorder } from '../../src/session/recorder.js';

const [file, how, presetFile] = process.argv.slice(2);
const driver = new SessionDriver(loadPreset(presetFile), {}, 1e6);
const recorder = new SessionRecorder(file, driver);
installFinalizers(recorder);
driver.advanceTo(30e6);
if (how === 'crash')
  setTimeout(() => {
    throw new Error('the UI fell over');
  }, 1);
else if (how === 'reject') void Promise.reject(new Error('a promise fell over'));
// 'quit': the process just ends; the exit handler finalises.
