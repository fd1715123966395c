// Exports of the data layer (filled in by the modules work).
export {};
