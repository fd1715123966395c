// Exports of the nn layer (filled in by the modules work).
export {};
