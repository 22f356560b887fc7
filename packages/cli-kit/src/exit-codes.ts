// The exit codes both command lines share; a second signal exits with 128 + its number (130 SIGINT, 143 SIGTERM).

export const EXIT_OK = 0;
/** A usage or startup error: a bad flag, a bad config, a port in use, an unknown interface. */
export const EXIT_USAGE = 2;
/** An unexpected error (EX_SOFTWARE): a bug; the program stops cleanly and a supervisor restarts it. */
export const EXIT_SOFTWARE = 70;
