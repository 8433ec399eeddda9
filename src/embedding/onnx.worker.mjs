// One onnxruntime session in a worker thread. Plain JS: worker threads do not inherit the tsx
// loader, and this file needs nothing from the TypeScript side.
//
// onnxruntime-node's session.run() is synchronous in the calling thread: on the main thread it
// froze the event loop for the whole forward pass (HTTP, database, the indexer decoding its next
// batch). Here it blocks only this worker.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const { modelPath, modelBytes, sessionOptions } = workerData;

/** @type {import('onnxruntime-node').InferenceSession | undefined} */
let session;

function toOrt(feeds) {
  const out = {};
  for (const [name, feed] of Object.entries(feeds))
    out[name] = new ort.Tensor(feed.type, feed.data, feed.dims);
  return out;
}

parentPort.on('message', async (msg) => {
  try {
    if (msg.type === 'load') {
      // modelBytes: a patched copy (extra outputs); otherwise onnxruntime reads the file itself
      session = await ort.InferenceSession.create(modelBytes ?? modelPath, sessionOptions);
      parentPort.postMessage({
        id: msg.id,
        ok: true,
        inputNames: session.inputNames,
        outputNames: session.outputNames,
      });
    } else if (msg.type === 'run') {
      if (!session) throw new Error('session not loaded');
      const results = await session.run(toOrt(msg.feeds), msg.fetches);
      const outputs = {};
      // outputs may share one buffer; transferring it twice would throw
      const transfer = new Set();
      for (const name of msg.fetches) {
        const t = results[name];
        outputs[name] = { type: t.type, data: t.data, dims: t.dims };
        transfer.add(t.data.buffer);
      }
      parentPort.postMessage({ id: msg.id, ok: true, outputs }, [...transfer]);
    } else if (msg.type === 'release') {
      await session?.release();
      session = undefined;
      parentPort.postMessage({ id: msg.id, ok: true });
    }
  } catch (error) {
    parentPort.postMessage({
      id: msg.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    });
  }
});
