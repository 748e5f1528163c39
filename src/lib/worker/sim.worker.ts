// The engine Worker: the kernel side. Every message is a Command; every answer a Reply (protocol.ts).
import { EngineHost } from './host';
import type { Command } from './protocol';

const host = new EngineHost();
self.onmessage = (e: MessageEvent<Command>) => {
	self.postMessage(host.handle(e.data));
};
