#pragma once

#include <QByteArray>
#include <QList>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// What every fuzz target shares: the libFuzzer entry points, and a check that stops the run on a
// broken property. Not assert(): the replay tests run in Release builds, where NDEBUG removes
// asserts, and a property the fuzzer proved must be checked there too.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);

#define PORTICO_FUZZ_CHECK(condition, what)                                                        \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: fuzz property broken: %s\n", __FILE__, __LINE__, what);   \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

namespace portico::fuzz {

// Reads the input front to back: a few bytes steer the target (split points, limits, modes), the
// rest is the text under test.
class InputReader {
public:
    InputReader(const uint8_t *data, size_t size)
        : m_data(reinterpret_cast<const char *>(data))
        , m_size(qsizetype(size)) {}

    // The next byte, or 0 once the input is used up.
    quint8 byte() { return m_pos < m_size ? quint8(m_data[m_pos++]) : 0; }
    // Up to `count` bytes.
    QByteArray bytes(qsizetype count) {
        const qsizetype take = std::min(count, m_size - m_pos);
        const QByteArray taken(m_data + m_pos, take);
        m_pos += take;
        return taken;
    }
    // Everything not read yet.
    QByteArray rest() { return bytes(m_size - m_pos); }
    bool atEnd() const { return m_pos >= m_size; }

    // The rest of the input as `whole`, and the same bytes cut where a network could cut them: a
    // byte for how many cut lengths follow (up to 15), then one byte each, the pieces' lengths
    // used in turn. No lengths, one piece.
    QList<QByteArray> restInPieces(QByteArray &whole) {
        const int cuts = byte() % 16;
        QList<qsizetype> lengths;
        for (int i = 0; i < cuts; ++i)
            lengths.append(qsizetype(byte()) + 1);
        whole = rest();
        QList<QByteArray> pieces;
        for (qsizetype pos = 0, i = 0; pos < whole.size(); ++i) {
            const qsizetype length = lengths.isEmpty() ? whole.size() : lengths[i % lengths.size()];
            pieces.append(whole.mid(pos, length));
            pos += length;
        }
        return pieces;
    }

private:
    const char *m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
};

} // namespace portico::fuzz
