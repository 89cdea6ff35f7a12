// The container's pid 1: forwards signals to the user's command and reaps.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/shim/shim.h"

namespace berth::shim {

int RunInit(int argc, char** argv) {
  int first = 2;
  if (first < argc && std::strcmp(argv[first], "--") == 0) ++first;
  if (first >= argc) {
    std::fputs("berth-shim init: no command given\n", stderr);
    return 2;
  }
  sigset_t all;
  sigfillset(&all);
  sigset_t old;
  sigprocmask(SIG_SETMASK, &all, &old);
  pid_t child = ::fork();
  if (child < 0) {
    std::perror("berth-shim init: fork");
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    ::setpgid(0, 0);
    ::execvp(argv[first], argv + first);
    std::fprintf(stderr, "berth-shim init: cannot run %s: %s\n", argv[first], std::strerror(errno));
    _exit(errno == ENOENT ? 127 : 126);
  }
  while (true) {
    siginfo_t info;
    int sig = ::sigwaitinfo(&all, &info);
    if (sig < 0) continue;
    if (sig != SIGCHLD) {
      // Job-control stops make no sense for pid 1; everything else goes on.
      if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) ::kill(child, sig);
      continue;
    }
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (pid != child) continue;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    }
  }
}

}  // namespace berth::shim
