"""The sandbox's shared infrastructure: state, hosts, faults, form checks, documents, the wizard."""
