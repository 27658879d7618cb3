#pragma once

#include "proxy/apierror.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace portico::proxy {

// Checks a request body before anything else looks at it; each refusal says exactly what is
// wrong and which field.
class RequestValidator {
public:
    struct Parsed {
        QJsonObject body;
        QString model;
        bool stream = false;
        bool includeUsage = false;
    };
    struct Outcome {
        std::optional<Parsed> parsed;
        ApiError error;
        bool ok() const { return parsed.has_value(); }
    };

    static Outcome chatCompletion(const QByteArray &body);
    static Outcome embeddings(const QByteArray &body);

private:
    static Outcome common(const QByteArray &body);
};

} // namespace portico::proxy
