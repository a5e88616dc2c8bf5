{
  "targets": [
    {
      "target_name": "gss_iov",
      "sources": ["gss_iov.c"],
      "libraries": ["-lgssapi_krb5"]
    }
  ]
}
