import KlineSyncCore
import Testing

/// Every spelling of a connection string libpq accepts comes out with its secrets replaced by `***`, and with
/// everything else (host, port, database, other options) kept.
@Suite struct RedactionTests {
    static let cases: [(input: String, expected: String)] = [
        // URI user information.
        ("postgres://u:s3cret@h:5432/db", "postgres://u:***@h:5432/db"),
        ("postgresql://u:s3cret@h/db?sslmode=disable", "postgresql://u:***@h/db?sslmode=disable"),
        ("postgres://u:s%40cr%2Fet@h/db", "postgres://u:***@h/db"),
        ("postgres://u:s@cr@t@h/db", "postgres://u:***@h/db"),
        ("postgres://u:se/cret@h/db", "postgres://u:***@h/db"),
        ("postgres://u:se?cret@h/db", "postgres://u:***@h/db"),
        ("postgres://u:@h/db", "postgres://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("postgres://h/db", "postgres://h/db"),
        ("postgres://u:s3cret@h1:5432,h2:5433/db", "postgres://u:***@h1:5432,h2:5433/db"),
        // URI query parameters, any case or percent-encoding of the name.
        ("postgres://u@h/db?password=s3cret", "postgres://u@h/db?password=***"),
        (
            "postgres://u@h/db?sslmode=disable&password=s3cret&schema=x",
            "postgres://u@h/db?sslmode=disable&password=***&schema=x"
        ),
        ("postgres://u@h/db?PassWord=s3cret", "postgres://u@h/db?PassWord=***"),
        ("postgres://u@h/db?pass%77ord=s3cret", "postgres://u@h/db?pass%77ord=***"),
        ("postgres://u@h/db?password=s%33cret%26x", "postgres://u@h/db?password=***"),
        ("postgres://u@h/db?sslpassword=s3cret", "postgres://u@h/db?sslpassword=***"),
        ("postgresql://h/db?user=u&password=s3cret", "postgresql://h/db?user=u&password=***"),
        ("postgres://u:s3cret@h/db?password=s3cret#frag", "postgres://u:***@h/db?password=***#frag"),
        ("postgres://u@h/db?password=s@cret", "postgres://u@h/db?password=***"),
        ("postgres://u@h/db?passfile=/home/u/.pgpass", "postgres://u@h/db?passfile=/home/u/.pgpass"),
        // Keyword/value connection strings.
        ("host=h port=5432 dbname=db user=u password=s3cret", "host=h port=5432 dbname=db user=u password=***"),
        ("host=h password='se cret' dbname=db", "host=h password=*** dbname=db"),
        ("host=h password = s3cret dbname=db", "host=h password = *** dbname=db"),
        ("host=h password= 's3\\'cret' user=u", "host=h password= *** user=u"),
        ("host=h password=se\\ cret user=u", "host=h password=*** user=u"),
        ("password=s3cret", "password=***"),
        ("host=h PASSWORD=s3cret", "host=h PASSWORD=***"),
        ("host=h sslpassword=s3cret sslmode=require", "host=h sslpassword=*** sslmode=require"),
        ("host=h password='unterminated secret", "host=h password=***"),
        ("dbname=postgres://u:s3cret@h/db", "dbname=postgres://u:***@h/db"),
        ("dbname='postgresql://u@h/db?password=s3cret' host=h", "dbname='postgresql://u@h/db?password=***' host=h"),
        // Nothing to hide.
        ("sqlite:/tmp/klines.sqlite", "sqlite:/tmp/klines.sqlite"),
        ("mysql://u:s3cret@h/db", "mysql://u:***@h/db"),
        ("", ""),
    ]

    @Test(arguments: cases)
    func secretsAreReplacedAndTheRestIsKept(input: String, expected: String) {
        #expect(Redaction.redact(input) == expected)
    }

    @Test(arguments: cases)
    func noSecretSurvivesRedaction(input: String, expected: String) {
        let redacted = Redaction.redact(input)
        for secret in [
            "s3cret", "se cret", "se\\ cret", "s%33cret", "s@cret", "s@cr@t", "se/cret", "se?cret", "unterminated",
        ]
        where input.contains(secret) {
            #expect(!redacted.contains(secret), "\(input) → \(redacted)")
        }
    }

    @Test func databaseLocationsPrintRedacted() {
        let location = DatabaseLocation.postgres(url: "postgres://u@h/db?password=s3cret")
        #expect(location.description == "postgres://u@h/db?password=***")
        #expect(DatabaseLocation.redact("host=h password=s3cret") == "host=h password=***")
    }
}
