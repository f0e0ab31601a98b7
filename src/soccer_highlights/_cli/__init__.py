"""The command line's private parts: each module holds a few commands, all of which only parse
their options, call the library and report (the commands are registered in the command-line module)."""
