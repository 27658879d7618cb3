// The main() of a fuzz target in the normal build: instead of fuzzing, it runs every file of the
// given folders (the target's seed corpus and its regression inputs) through
// LLVMFuzzerTestOneInput once, so ctest proves on every build that no input that once found a
// bug finds it again. A broken property aborts, which fails the test.
#include "fuzzsupport.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

// The targets that need one-time set-up (a QCoreApplication, a store) define it; libFuzzer calls
// it the same way before the first input.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [REGRESSIONS_DIR...]\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);

    namespace fs = std::filesystem;
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path folder(argv[i]);
        if (!fs::is_directory(folder)) {
            // The seed corpus must be there; a target without regressions has no folder for them.
            if (i == 1) {
                std::fprintf(stderr, "no seed corpus at %s\n", argv[i]);
                return 1;
            }
            continue;
        }
        std::vector<fs::path> files;
        for (const auto &entry : fs::directory_iterator(folder)) {
            // Dot files (.gitkeep) are not inputs.
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.')
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end()); // the same order on every run
        for (const fs::path &file : files) {
            std::ifstream stream(file, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(stream)),
                                    std::istreambuf_iterator<char>());
            std::printf("replay %s (%zu bytes)\n", file.string().c_str(), bytes.size());
            std::fflush(stdout); // the last name printed is the input that crashed
            LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
            ++replayed;
        }
    }
    if (replayed == 0) {
        std::fprintf(stderr, "no inputs found: the seed corpus is empty\n");
        return 1;
    }
    std::printf("%d inputs replayed, no property broken\n", replayed);
    return 0;
}
