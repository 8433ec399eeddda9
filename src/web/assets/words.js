// The page's words for its scripts, already in the page's language (a JSON data island written by
// the server from the one UI dictionary, src/i18n/): scripts carry no text of their own.
const island = document.getElementById('ui-words');
const words = island ? JSON.parse(island.textContent) : {};

export const t = (key) => words[key] ?? key;
