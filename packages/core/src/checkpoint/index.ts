// Exports of the checkpoint layer (filled in by the modules work).
export {};
