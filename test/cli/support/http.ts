import { request } from 'node:http';

/** Status, content type and body of one HTTP response. */
export interface HttpReply {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** One real GET request (a fresh connection, no keep-alive). */
export function httpGet(url: string): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
