// ringlab is a single-page app: nothing renders on a server, and adapter-static's
// fallback page (index.html) boots every route in the browser.
export const ssr = false;
export const prerender = false;
