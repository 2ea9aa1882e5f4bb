import NIOSSL

/// The server's TLS context, made once from `--tls-cert` and `--tls-key` and shared by every listener
/// that speaks TLS (HTTPS, and the PostgreSQL front after its SSLRequest).
enum TLSSetup {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A server context from PEM files: the certificate chain (leaf first) and its private key.
    static func makeContext(certificate: String, key: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
            throw Failure(description: "--tls-cert \(certificate): cannot read a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else { throw Failure(description: "--tls-cert \(certificate): no certificate in the file") }
        let privateKey: NIOSSLPrivateKey
        do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
            throw Failure(description: "--tls-key \(key): cannot read a PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw Failure(description: "--tls-cert/--tls-key: \(error) (does the key belong to the certificate?)")
        }
    }
}
