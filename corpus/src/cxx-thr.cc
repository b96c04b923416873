// cxx-thr: C++ threads (libstdc++ over glibc's pthreads). Printed by the main thread after
// joins, so the output does not depend on the interleaving.
//
//   std::thread x 6 summing under std::mutex/lock_guard; std::atomic counters; exceptions
//   thrown and caught inside threads (several types, nested try, rethrow); an exception carried
//   out of a thread with std::exception_ptr; std::async (async and deferred) and futures,
//   including an exception delivered through future::get; std::promise/std::future between
//   threads; std::packaged_task; a producer/consumer on std::condition_variable; thread_local
//   objects whose constructors and destructors run per thread; std::call_once;
//   std::shared_mutex; std::this_thread::sleep_for and yield; hardware_concurrency() >= 1.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static std::mutex mu;
static long total;
static std::atomic<int> ctor_count{0}, dtor_count{0};

struct PerThread {
    int uses = 0;
    PerThread() { ctor_count++; }
    ~PerThread() { dtor_count++; }
};
static thread_local PerThread per_thread;

struct Oops : std::runtime_error {
    int code;
    Oops(const std::string &w, int c) : std::runtime_error(w), code(c) {}
};

static int thrower(int i)
{
    per_thread.uses++;
    switch (i % 3) {
    case 0: throw Oops("oops " + std::to_string(i), i);
    case 1: throw std::out_of_range("range " + std::to_string(i));
    default: throw i * 7;
    }
}

static std::string caught[6];

static void worker(int i)
{
    long local = 0;
    for (int k = 1; k <= 10000; k++) local += k % (i + 2);
    {
        std::lock_guard<std::mutex> g(mu);
        total += local;
    }
    std::string what;
    try {
        try {
            thrower(i);
        } catch (const std::logic_error &e) {
            what = std::string("logic_error:") + e.what();
            throw; // rethrow to the outer handler
        }
    } catch (const Oops &e) {
        what = std::string("Oops:") + e.what() + ":" + std::to_string(e.code);
    } catch (const std::exception &e) {
        what += std::string(" rethrown as exception:") + e.what();
    } catch (int v) {
        what = "int:" + std::to_string(v);
    }
    caught[i] = what;
}

int main()
{
    std::vector<std::thread> ts;
    for (int i = 0; i < 6; i++) ts.emplace_back(worker, i);
    for (auto &t : ts) t.join();
    long expect = 0;
    for (int i = 0; i < 6; i++)
        for (int k = 1; k <= 10000; k++) expect += k % (i + 2);
    std::printf("threads: total ok %d\n", total == expect);
    for (int i = 0; i < 6; i++) std::printf("  thread %d caught %s\n", i, caught[i].c_str());
    std::printf("thread_local: constructed %d destroyed %d (main's lives on)\n", ctor_count.load(), dtor_count.load());

    // exception_ptr out of a thread
    std::exception_ptr ep;
    std::thread([&] {
        try {
            throw std::runtime_error("from a thread");
        } catch (...) {
            ep = std::current_exception();
        }
    }).join();
    try {
        std::rethrow_exception(ep);
    } catch (const std::exception &e) {
        std::printf("exception_ptr rethrown in main: %s\n", e.what());
    }

    // std::async and futures
    auto f1 = std::async(std::launch::async, [] {
        long s = 0;
        for (int i = 1; i <= 1000; i++) s += i;
        return s;
    });
    auto f2 = std::async(std::launch::deferred, [] { return std::string("deferred ran"); });
    auto f3 = std::async(std::launch::async, []() -> int { throw Oops("through future", 42); });
    std::printf("async: %ld, %s\n", f1.get(), f2.get().c_str());
    try {
        f3.get();
    } catch (const Oops &e) {
        std::printf("future::get rethrew: %s code %d\n", e.what(), e.code);
    }
    std::vector<std::future<int>> many;
    for (int i = 0; i < 8; i++) many.push_back(std::async(std::launch::async, [i] { return i * i; }));
    int sq = 0;
    for (auto &f : many) sq += f.get();
    std::printf("8 async squares: %d\n", sq);

    // promise / future
    std::promise<std::string> pr;
    std::future<std::string> fu = pr.get_future();
    std::thread tp([&] { pr.set_value("promised value"); });
    std::printf("promise: %s\n", fu.get().c_str());
    tp.join();
    std::promise<int> pe;
    auto fe = pe.get_future();
    std::thread te([&] { pe.set_exception(std::make_exception_ptr(std::logic_error("promised error"))); });
    te.join();
    try {
        fe.get();
    } catch (const std::logic_error &e) {
        std::printf("promise exception: %s\n", e.what());
    }
    std::packaged_task<int(int, int)> task([](int a, int b) { return a * b; });
    auto tf = task.get_future();
    std::thread tt(std::move(task), 6, 7);
    tt.join();
    std::printf("packaged_task: %d\n", tf.get());

    // condition_variable producer / consumer
    std::mutex qm;
    std::condition_variable cv;
    std::deque<int> q;
    bool done = false;
    long consumed = 0;
    int count = 0;
    std::thread cons([&] {
        std::unique_lock<std::mutex> lk(qm);
        for (;;) {
            cv.wait(lk, [&] { return !q.empty() || done; });
            while (!q.empty()) {
                consumed += q.front();
                q.pop_front();
                count++;
            }
            if (done) break;
        }
    });
    std::thread prod([&] {
        for (int i = 1; i <= 5000; i++) {
            {
                std::lock_guard<std::mutex> g(qm);
                q.push_back(i);
            }
            cv.notify_one();
        }
        {
            std::lock_guard<std::mutex> g(qm);
            done = true;
        }
        cv.notify_all();
    });
    prod.join();
    cons.join();
    std::printf("condition_variable: %d items, sum %ld\n", count, consumed);

    // wait_for timeout
    {
        std::unique_lock<std::mutex> lk(qm);
        bool ok = cv.wait_for(lk, std::chrono::milliseconds(20), [] { return false; });
        std::printf("wait_for(20ms) predicate result %d (timed out)\n", ok);
    }

    // call_once, atomics, shared_mutex
    std::once_flag once;
    std::atomic<int> once_runs{0}, hits{0};
    std::shared_mutex sm;
    long shared_value = 0;
    std::vector<std::thread> v;
    for (int i = 0; i < 4; i++)
        v.emplace_back([&, i] {
            std::call_once(once, [&] { once_runs++; });
            for (int k = 0; k < 1000; k++) {
                hits.fetch_add(1, std::memory_order_relaxed);
                if (i == 0) {
                    std::unique_lock<std::shared_mutex> w(sm);
                    shared_value++;
                } else {
                    std::shared_lock<std::shared_mutex> r(sm);
                    (void)shared_value;
                }
                if (k % 100 == 0) std::this_thread::yield();
            }
        });
    for (auto &t : v) t.join();
    std::printf("call_once ran %d, atomic hits %d, shared_mutex writes %ld\n", once_runs.load(), hits.load(), shared_value);
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(15));
    auto el = std::chrono::steady_clock::now() - t0;
    std::printf("sleep_for(15ms) slept at least 15ms %d\n", el >= std::chrono::milliseconds(15));
    std::printf("hardware_concurrency >= 1: %d\n", std::thread::hardware_concurrency() >= 1);
    std::printf("done\n");
    return 0;
}
