// Cross-origin isolation for hosts that send no COOP/COEP headers: the coi-serviceworker script
// (served from the site root) registers a service worker that adds them, then reloads the page,
// which comes back isolated and can share memory with the engine Worker. Needs https or localhost.
import { readSetting, writeSetting } from './storage';

const COI_KEY = 'ringlab-coi-serviceworker';

/** Whether this page could be made isolated by the service worker. */
export function canOfferIsolation(): boolean {
	return (
		typeof navigator !== 'undefined' &&
		'serviceWorker' in navigator &&
		window.isSecureContext &&
		!window.crossOriginIsolated
	);
}

function loadCoiServiceWorker(): void {
	const script = document.createElement('script');
	script.src = '/coi-serviceworker.js';
	document.head.appendChild(script);
}

/** The user chose zero-copy mode: remember it and load the service worker (it reloads the page). */
export function offerIsolation(): void {
	writeSetting(COI_KEY, '1');
	loadCoiServiceWorker();
}

/**
 * Once chosen, the script runs on every load: the first reload can come before the service worker
 * controls the page, and the script then reloads once more.
 */
export function keepChosenIsolation(): void {
	if (canOfferIsolation() && readSetting(COI_KEY)) loadCoiServiceWorker();
}
