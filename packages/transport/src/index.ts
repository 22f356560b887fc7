// Public surface of @ssdp/transport: UDP behind one interface, plus an in-memory network for tests.
export {};
