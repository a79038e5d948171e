//! A JSON reader that keeps positions, rejects duplicate keys and limits depth (owner: parser work).
