export { DockerDemuxer } from "./demux";
export { type DockerConnectionOptions, DockerExecConnection, EXEC_MARKER } from "./docker-connection";
export { readFirstEntry, type TarEntry, tarSingleFile } from "./tar";
