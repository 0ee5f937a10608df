"""The four front doors: each turns an HttpRequest into an invocation and the answer back into HTTP."""
