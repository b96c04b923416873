// cxx-thr-sigthrow: C++ exceptions thrown out of signal handlers (built with
// -fnon-call-exceptions). The unwinder walks from the handler through the signal frame
// (glibc's __restore_rt carries CFI that finds the interrupted registers in the ucontext)
// into the code that faulted, so this checks the rt_sigframe layout end to end. Done on the
// main thread and in worker threads: SIGSEGV (NULL load), SIGFPE (division by zero) and a
// raise()d SIGUSR1; RAII destructors between the fault and the catch run; the signal mask is
// restored by hand (unwinding does not call rt_sigreturn), so later faults are caught too.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct Fault : std::runtime_error {
    int sig;
    explicit Fault(int s) : std::runtime_error("fault " + std::to_string(s)), sig(s) {}
};

static void unblock(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(SIG_UNBLOCK, &s, nullptr);
}

static void on_signal(int sig, siginfo_t *, void *)
{
    unblock(sig); // the handler's mask stays in force after unwinding otherwise
    throw Fault(sig);
}

static thread_local int guards_run;
struct Guard {
    ~Guard() { guards_run++; }
};

static volatile int *volatile null_ptr = nullptr;
static volatile int zero = 0;

__attribute__((noinline)) static int load_null()
{
    Guard g;
    return *null_ptr;
}

__attribute__((noinline)) static int divide(int a)
{
    Guard g;
    return a / zero;
}

__attribute__((noinline)) static int raise_usr1()
{
    Guard g;
    raise(SIGUSR1);
    return 0;
}

static std::string run_all(const char *who)
{
    std::string r = who;
    for (int round = 0; round < 2; round++) {
        int (*fns[3])() = { load_null, [] { return divide(7); }, raise_usr1 };
        for (auto fn : fns) {
            try {
                fn();
                r += " none";
            } catch (const Fault &f) {
                r += " " + std::string(f.what());
            }
        }
    }
    r += " guards " + std::to_string(guards_run);
    return r;
}

int main()
{
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, nullptr);
    sigaction(SIGFPE, &sa, nullptr);
    sigaction(SIGUSR1, &sa, nullptr);
    std::printf("%s\n", run_all("main:").c_str());
    std::vector<std::string> res(3);
    std::vector<std::thread> ts;
    for (int i = 0; i < 3; i++) ts.emplace_back([&res, i] { res[i] = run_all(("thread " + std::to_string(i) + ":").c_str()); });
    for (auto &t : ts) t.join();
    for (auto &s : res) std::printf("%s\n", s.c_str());
    std::printf("done\n");
    return 0;
}
