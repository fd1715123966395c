// Exports of the optim layer (filled in by the modules work).
export {};
