import { useState } from 'react';
import { openLink } from '../api/client.ts';

/**
 * Opens a download link once it is known; the failure to get it is kept as `linkError`, cleared on
 * the next try. `open` never throws.
 */
export function useOpenLink() {
  const [linkError, setLinkError] = useState<unknown>(null);
  const open = async (url: () => Promise<string>) => {
    setLinkError(null);
    try {
      openLink(await url());
    } catch (err) {
      setLinkError(err);
    }
  };
  return { linkError, open };
}
