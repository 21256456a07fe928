// Upper bounds on the vm stage's timeouts. Node's timers hold at most 2^31-1 ms (24.8 days); a longer delay
// fires at once, which would end every run immediately ("no crash"). A week is more than any run needs.
export const MAX_TIMEOUT_S = 7 * 24 * 3600;
