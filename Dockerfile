# One image for the API and the worker; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV HOST=0.0.0.0 BULKHEAD_DATA_DIR=/data
VOLUME /data
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
