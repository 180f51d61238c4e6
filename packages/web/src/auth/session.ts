/**
 * Where the API key lives in the browser: sessionStorage (gone when the tab closes) unless the user asked
 * to be remembered on this device (localStorage). Never in a URL, a cookie or a log.
 */
const KEY = 'openframer.apiKey';

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveKey(apiKey: string, remember: boolean): void {
  clearKey();
  (remember ? localStorage : sessionStorage).setItem(KEY, apiKey);
}

/** Puts a rotated key where the old one was kept (this device only if it was remembered). */
export function replaceKey(apiKey: string): void {
  let remembered = false;
  try {
    remembered = sessionStorage.getItem(KEY) === null && localStorage.getItem(KEY) !== null;
  } catch {
    // storage unavailable: keep it for the tab, as far as that goes
  }
  saveKey(apiKey, remembered);
}

export function clearKey(): void {
  try {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  } catch {
    // storage unavailable (private mode): nothing kept, nothing to clear
  }
}
