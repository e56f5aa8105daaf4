#if canImport(Glibc)
import Glibc
#endif
import FanoutCLI

exit(await FanoutMain.run(Array(CommandLine.arguments.dropFirst())))
