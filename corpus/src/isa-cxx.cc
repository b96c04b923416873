// isa-cxx: a static C++ program (g++ -static -O2, libstdc++ + libgcc_eh): exceptions unwinding
// through the DWARF CFI of several frames (the unwinder reads .eh_frame, restores callee-saved
// registers and jumps into landing pads), RTTI, virtual dispatch, static constructors and
// destructors, the standard containers and algorithms, and iostream formatting of doubles.
//
// Output is deterministic: no addresses, no unordered iteration order (unordered containers are
// printed sorted), no typeid(...).name() of local types beyond the mangled names of named types.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

// ---------------------------------------------------------------------------------------------
// Static construction and destruction order (destructors print with printf: they run after
// main returns, from exit(); std::cout is flushed before the C streams at exit, so use one API).
struct Tracer {
    const char *name;
    explicit Tracer(const char *n) : name(n) { std::printf("ctor %s\n", name); }
    ~Tracer() { std::printf("dtor %s\n", name); }
};
static Tracer g_first("global-1");
static Tracer g_second("global-2");

static Tracer &local_static()
{
    static Tracer t("function-local");
    return t;
}

// ---------------------------------------------------------------------------------------------
// Exceptions.
struct MyError : std::runtime_error {
    int code;
    MyError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};
struct Derived2 : MyError {
    Derived2() : MyError("derived2", 2) {}
};
struct Counted {
    static int live;
    int id;
    explicit Counted(int i) : id(i) { live++; }
    Counted(const Counted &o) : id(o.id) { live++; }
    ~Counted() { live--; }
};
int Counted::live = 0;

__attribute__((noinline)) static int level3(int x)
{
    Counted c(x);
    if (x == 1) throw MyError("level3 failed", 42);
    if (x == 2) throw Derived2();
    if (x == 3) throw 7;
    if (x == 4) throw std::string("a string");
    if (x == 5) throw Counted(99);
    if (x == 6) throw std::out_of_range("range");
    return x * 2;
}
__attribute__((noinline)) static int level2(int x)
{
    Counted c(x + 100);
    std::vector<int> v(100, x);  // heap memory released during unwinding
    return level3(x) + v[0];
}
__attribute__((noinline)) static int level1(int x)
{
    Counted c(x + 200);
    try {
        return level2(x);
    } catch (const std::out_of_range &e) {
        std::cout << "  level1 caught out_of_range: " << e.what() << ", rethrowing as logic_error\n";
        throw std::logic_error(std::string("wrapped ") + e.what());
    }
}

static void exceptions()
{
    std::cout << "== exceptions\n";
    for (int i = 0; i <= 7; i++) {
        try {
            int r = level1(i);
            std::cout << "case " << i << ": returned " << r << "\n";
        } catch (const Derived2 &e) {
            std::cout << "case " << i << ": Derived2 what=" << e.what() << " code=" << e.code << "\n";
        } catch (MyError &e) {
            std::cout << "case " << i << ": MyError& what=" << e.what() << " code=" << e.code << "\n";
            e.code++;
        } catch (int v) {
            std::cout << "case " << i << ": int " << v << "\n";
        } catch (const std::string &s) {
            std::cout << "case " << i << ": string " << s << "\n";
        } catch (Counted c) {
            std::cout << "case " << i << ": Counted by value id=" << c.id << " live=" << Counted::live << "\n";
        } catch (const std::exception &e) {
            std::cout << "case " << i << ": std::exception " << e.what() << " type " << typeid(e).name() << "\n";
        } catch (...) {
            std::cout << "case " << i << ": ...\n";
        }
        std::cout << "  live after case " << i << ": " << Counted::live << "\n";
    }
    // Rethrow with throw; from a nested handler, and catch(...) + rethrow.
    try {
        try {
            try {
                throw MyError("inner", 1);
            } catch (MyError &e) {
                e.code = 10;
                throw;  // same object
            }
        } catch (...) {
            std::cout << "catch(...) then rethrow\n";
            throw;
        }
    } catch (const MyError &e) {
        std::cout << "outer got code " << e.code << " what " << e.what() << "\n";
    }
    // std::exception_ptr across a catch.
    std::exception_ptr ep;
    try {
        throw std::runtime_error("stored");
    } catch (...) {
        ep = std::current_exception();
    }
    try {
        std::rethrow_exception(ep);
    } catch (const std::runtime_error &e) {
        std::cout << "rethrow_exception: " << e.what() << "\n";
    }
    // Exceptions from the library.
    try {
        std::vector<int> v(3);
        std::cout << v.at(5);
    } catch (const std::out_of_range &e) {
        std::cout << "vector::at threw out_of_range\n";
    }
    try {
        std::string s("abc");
        s.substr(10);
    } catch (const std::out_of_range &) {
        std::cout << "substr threw out_of_range\n";
    }
    try {
        std::size_t n = std::stoul("not a number");
        std::cout << n;
    } catch (const std::invalid_argument &) {
        std::cout << "stoul threw invalid_argument\n";
    }
    try {
        throw std::bad_alloc();
    } catch (const std::exception &e) {
        std::cout << "bad_alloc what: " << e.what() << "\n";
    }
    // A throw inside a destructor during normal scope exit, caught outside (noexcept(false)).
    struct ThrowingDtor {
        ~ThrowingDtor() noexcept(false) { throw 5; }
    };
    try {
        ThrowingDtor t;
    } catch (int v) {
        std::cout << "dtor threw " << v << "\n";
    }
    // Deep recursion unwinding.
    std::function<int(int)> deep = [&](int n) -> int {
        Counted c(n);
        if (n == 0) throw MyError("deep", n);
        return deep(n - 1) + 1;
    };
    try {
        deep(200);
    } catch (const MyError &e) {
        std::cout << "deep unwind: " << e.what() << " live=" << Counted::live << "\n";
    }
}

// ---------------------------------------------------------------------------------------------
// Virtual dispatch and RTTI.
struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
};
struct Circle : Shape {
    double r;
    explicit Circle(double rr) : r(rr) {}
    double area() const override { return M_PI * r * r; }
    std::string name() const override { return "circle"; }
};
struct Rect : Shape {
    double w, h;
    Rect(double ww, double hh) : w(ww), h(hh) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};
struct Square final : Rect {
    explicit Square(double s) : Rect(s, s) {}
    std::string name() const override { return "square"; }
};
// Multiple and virtual inheritance: pointer adjustments in casts.
struct A { virtual ~A() = default; int a = 1; };
struct B : virtual A { int b = 2; };
struct C : virtual A { int c = 3; };
struct D : B, C { int d = 4; };

static void dispatch()
{
    std::cout << "== virtual dispatch and RTTI\n";
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.emplace_back(new Circle(1.5));
    shapes.emplace_back(new Rect(2, 3.5));
    shapes.emplace_back(new Square(4));
    shapes.emplace_back(new Circle(0.1));
    double total = 0;
    for (auto &s : shapes) {
        total += s->area();
        std::cout << s->name() << " area " << s->area() << " typeid " << typeid(*s).name()
                  << " is Rect " << (dynamic_cast<Rect *>(s.get()) != nullptr)
                  << " is Square " << (dynamic_cast<Square *>(s.get()) != nullptr) << "\n";
    }
    std::cout << "total " << std::setprecision(17) << total << std::setprecision(6) << "\n";
    D d;
    A *pa = &d;
    B *pb = dynamic_cast<B *>(pa);
    C *pc = dynamic_cast<C *>(pa);
    D *pd = dynamic_cast<D *>(pc);
    std::cout << "diamond: " << pb->b << pc->c << pd->d << pa->a << " cross-cast ok " << (pd == &d)
              << " typeid " << typeid(*pa).name() << " same " << (typeid(*pa) == typeid(D)) << "\n";
    try {
        Shape &sr = *shapes[0];
        Rect &rr = dynamic_cast<Rect &>(sr);
        std::cout << rr.w;
    } catch (const std::bad_cast &e) {
        std::cout << "bad_cast caught\n";
    }
    std::cout << "typeid int " << typeid(int).name() << " double* " << typeid(double *).name() << " string "
              << (typeid(std::string) == typeid(std::basic_string<char>)) << "\n";
}

// ---------------------------------------------------------------------------------------------
// Containers and algorithms.
static void containers()
{
    std::cout << "== containers and algorithms\n";
    std::vector<int> v;
    unsigned x = 12345;
    for (int i = 0; i < 2000; i++) {
        x = x * 1103515245u + 12345u;
        v.push_back(static_cast<int>((x >> 8) % 100000) - 50000);
    }
    std::vector<int> s = v;
    std::sort(s.begin(), s.end());
    std::cout << "sorted first " << s.front() << " last " << s.back() << " median " << s[s.size() / 2]
              << " sum " << std::accumulate(v.begin(), v.end(), 0LL) << "\n";
    std::stable_sort(v.begin(), v.end(), [](int a, int b) { return (a % 10) < (b % 10); });
    std::cout << "stable by %10:";
    for (int i = 0; i < 8; i++) std::cout << " " << v[i];
    std::cout << "\n";
    auto it = std::lower_bound(s.begin(), s.end(), 0);
    std::cout << "lower_bound(0) at " << (it - s.begin()) << " value " << *it << " binary_search(12) "
              << std::binary_search(s.begin(), s.end(), 12) << "\n";
    std::vector<int> u(s);
    u.erase(std::unique(u.begin(), u.end()), u.end());
    std::cout << "unique " << u.size() << " max_element " << *std::max_element(v.begin(), v.end())
              << " count_if>0 " << std::count_if(v.begin(), v.end(), [](int a) { return a > 0; }) << "\n";
    std::nth_element(v.begin(), v.begin() + 100, v.end());
    std::cout << "nth(100) " << v[100] << "\n";
    std::vector<int> p = { 1, 2, 3, 4 };
    int perms = 0;
    do perms++; while (std::next_permutation(p.begin(), p.end()));
    std::reverse(p.begin(), p.end());
    std::rotate(p.begin(), p.begin() + 1, p.end());
    std::cout << "permutations " << perms << " rotated " << p[0] << p[1] << p[2] << p[3] << "\n";

    std::map<std::string, int> m;
    std::string text = "the quick brown fox jumps over the lazy dog the end fox";
    std::istringstream in(text);
    std::string w;
    while (in >> w) m[w]++;
    std::cout << "map:";
    for (auto &kv : m) std::cout << " " << kv.first << "=" << kv.second;
    std::cout << "\n";
    std::unordered_map<std::string, int> um;
    for (int i = 0; i < 500; i++) um["key" + std::to_string(i * 7 % 113)] += i;
    std::vector<std::pair<std::string, int>> items(um.begin(), um.end());
    std::sort(items.begin(), items.end());
    std::cout << "unordered_map size " << um.size() << " first " << items.front().first << "=" << items.front().second
              << " last " << items.back().first << "=" << items.back().second << " find key5 "
              << (um.find("key5") != um.end()) << " key200 " << um.count("key200") << "\n";
    std::set<double> ds = { 3.5, -1.25, 1e10, 0.1, -0.0, 2.5 };
    std::cout << "set:";
    for (double d : ds) std::cout << " " << d;
    std::cout << "\n";
    std::string str = "Hello, World";
    std::string up = str;
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::cout << "string " << up << " find " << str.find("World") << " rfind " << str.rfind('o') << " substr "
              << str.substr(7, 3) << " replace " << std::string(str).replace(0, 5, "Howdy") << " compare "
              << (str < up) << " npos " << (str.find("zzz") == std::string::npos) << "\n";
    std::string big;
    for (int i = 0; i < 1000; i++) big += std::to_string(i);
    std::cout << "big string " << big.size() << " " << big.substr(1000, 20) << " hash-free sum "
              << std::accumulate(big.begin(), big.end(), 0) << "\n";
    std::cout << "stoi " << std::stoi("-12345") << " stol " << std::stol("0x7fffffff", nullptr, 16) << " stod "
              << std::stod("2.5e-3") << " stoll " << std::stoll("-9223372036854775808") << "\n";
}

// ---------------------------------------------------------------------------------------------
// iostream formatting of numbers.
static void iostream_numbers()
{
    std::cout << "== iostream\n";
    const double vals[] = { 0.0, -0.0, 1.0 / 3, 2.0 / 3, 0.1, 1e23, 123456789.0, 1e-7, 5e-324, 1.7976931348623157e308,
                            std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                            std::nan(""), 100.0, 2.5, 1234.5678 };
    for (double d : vals) {
        std::cout << "default " << d << " | prec17 " << std::setprecision(17) << d << std::setprecision(6)
                  << " | fixed3 " << std::fixed << std::setprecision(3) << d << " | sci " << std::scientific
                  << std::setprecision(10) << d << std::defaultfloat << std::setprecision(6)
                  << " | hex " << std::hexfloat << d << std::defaultfloat << "\n";
    }
    std::cout << std::setw(10) << std::left << 42 << "|" << std::right << std::setw(10) << std::setfill('*') << -42
              << std::setfill(' ') << "|" << std::hex << std::showbase << 255 << std::dec << std::noshowbase << "|"
              << std::oct << 8 << std::dec << "|" << std::boolalpha << true << std::noboolalpha << "|"
              << std::showpos << 5 << std::noshowpos << "|" << static_cast<long long>(std::numeric_limits<long long>::min())
              << "|" << std::numeric_limits<unsigned long long>::max() << "\n";
    long double ld = 1.0L / 3;
    std::cout << "long double " << std::setprecision(21) << ld << " float " << std::setprecision(9) << 1.0f / 3
              << std::setprecision(6) << "\n";
    std::ostringstream os;
    os << std::fixed << std::setprecision(2) << 3.14159 << ' ' << 2.675 << ' ' << 1.005 << ' ' << -0.005;
    std::cout << "ostringstream " << os.str() << "\n";
    std::istringstream is("3.25 -17 0x1F 1e400 abc");
    double a = 0;
    int b = 0;
    std::string rest;
    is >> a >> b;
    int hexv = 0;
    is >> std::hex >> hexv >> std::dec;
    double inf = 0;
    is >> inf;
    bool failed = is.fail();
    is.clear();
    is >> rest;
    std::cout << "istringstream " << a << " " << b << " " << hexv << " fail-on-1e400 " << failed << " inf-value "
              << inf << " rest " << rest << "\n";
    std::cout << std::flush;
}

// The arguments select sections (each corpus case runs some, which keeps every case's run time
// under the emulator short); no argument runs them all. Static construction and destruction
// happen in every run.
int main(int argc, char **argv)
{
    std::printf("main start\n");
    local_static();
    std::fflush(stdout);
    static const struct { const char *name; void (*fn)(); } sections[] = {
        { "exceptions", exceptions }, { "dispatch", dispatch }, { "containers", containers },
        { "iostream", iostream_numbers },
    };
    for (const auto &s : sections) {
        bool run = argc < 2;
        for (int a = 1; a < argc; a++) run = run || std::strcmp(argv[a], s.name) == 0;
        if (run) s.fn();
    }
    std::cout.flush();
    static Tracer in_main("static-in-main");
    std::printf("main end\n");
    return 0;
}
