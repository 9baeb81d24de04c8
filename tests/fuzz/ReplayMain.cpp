// Replays fuzz inputs without libFuzzer: every file named on the command line, or found below a
// directory named there, goes once through the target's LLVMFuzzerTestOneInput, in path order.
// This is how an ordinary build runs a fuzz target as a CTest test, so that every input a
// fuzzing run ever found stays fixed. Exits 2 when there is no input at all (a replay of nothing
// would pass whatever the target does).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

int main(int argc, char** argv) {
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    namespace fs = std::filesystem;
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path path(argv[i]);
        std::error_code error;
        if (fs::is_directory(path, error)) {
            for (const auto& entry : fs::recursive_directory_iterator(path))
                if (entry.is_regular_file() && entry.path().filename().string().rfind("README", 0) != 0)
                    inputs.push_back(entry.path());
        } else if (fs::is_regular_file(path, error)) {
            inputs.push_back(path);
        } else {
            std::cerr << argv[0] << ": " << path.string() << ": no such file or directory\n";
            return 2;
        }
    }
    if (inputs.empty()) {
        std::cerr << argv[0] << ": no inputs to replay\n";
        return 2;
    }
    std::sort(inputs.begin(), inputs.end());
    for (const fs::path& path : inputs) {
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) {
            std::cerr << argv[0] << ": " << path.string() << ": cannot read\n";
            return 2;
        }
        // Named before it runs: when an input crashes the replay, the last line says which.
        std::cout << "input " << path.string() << " (" << bytes.size() << " bytes)" << std::endl;
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::cout << inputs.size() << " inputs replayed" << std::endl;
    return 0;
}
