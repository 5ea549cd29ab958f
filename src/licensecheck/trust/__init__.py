"""Trust: digests of files and packs, ed25519 keys and signatures.

Input: bytes, files and key files. Output: sha256 digests (files hashed as a stream, never
read whole), signature documents, and the verdict of checking one. Evidence, submission
bundles and the pack supply chain (lock files, signed packs) are built on these, so there is
one way to hash a file, one pack digest and one signature format.
"""
