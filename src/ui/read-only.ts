// Whether the console runs with --read-only: one context, provided once by the App, read where it matters (the
// keymap leaves dangerous bindings unbound, the footer and help leave them out, dialogs say nothing will change).
import { createContext, useContext } from 'react';

export const ReadOnlyContext = createContext(false);

export const useReadOnly = (): boolean => useContext(ReadOnlyContext);
